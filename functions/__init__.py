"""Non-HTTP Lambda functions: one folder each, Powertools wiring around one service call."""

"""The one SLA model: policies and calendars (`policy`, `calendar`), the clock that reads a ticket's timeline
against them (`clock`), the state stored on the ticket (`state`) and keeping it in step on every write (`keeper`).

Nothing is re-exported here: importing the ticket (which holds an `SlaState`) must not load the calendars and their
holiday tables, so each caller imports the module it needs.
"""

"""Reports (日报/周报/月报), satisfaction surveys and the forecast: the pure part.

`facts` turns a domain event into counter increments per day and dimension; `report` adds stored counters up into a
period's report; `forecast` predicts ticket volume and the agents needed per hour (Erlang C); `render` writes a report
as CSV, XLSX and an HTML page with charts; `surveys` signs survey links. docs/reports.md states every definition.
"""

"""Ledgers units already keep (信息发布审核台账, 留言台账) as spreadsheets: read, map, write.

- ``read``: an .xlsx or .csv file as sheets of rows of cells (merged cells filled down,
  header rows found, blank lines dropped);
- ``values``: a cell as a date, a date-time or a text, whatever the spelling;
- ``columns``: which column is which field (Chinese headers and their variants);
- ``mapping``: rows to records (posts, messages), every bad row reported;
- ``write``: appending records to month files, atomically; templates and exports.
"""

"""What ``govmedia new`` knows about each record kind (``table``), how it asks for a
field and checks the answer (``fields``, ``ask``) and how it writes without
rewriting a clerk's file (``place``)."""

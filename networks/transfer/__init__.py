"""Bringing a map into a coalition and taking it out: Kumu spreadsheets (XLSX, CSV), GraphML,
GEXF and Weft's own JSON.

The reading and writing modules here are plain Python (no Django): they turn bytes into a
``ParsedMap`` (with every problem found, named by sheet, row and column) and a ``MapExport``
back into bytes. ``services.py`` is where the database comes in.
"""

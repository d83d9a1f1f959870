"""Importing pupils from the school's administration system (Magister, SOMtoday: Excel, CSV, EDEXML).

readers (file → table) · mapping (columns → fields) · rows (checks and repairs per row) · plan (the preview) ·
apply (batches) · services (the import from upload to report) · report (Excel, the background runner).
"""

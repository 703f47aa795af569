"""The file formats, their columns, and the bounds on every file, checked before
the work they bound, so that no file within MAX_UPLOAD_BYTES takes more than a few
seconds or a few hundred MB."""

FORMATS = ("csv", "json", "xlsx")
BASE_COLUMNS = ("name", "role", "fte")
# Optional, written last so the skill columns keep their place: blank = the role's band.
COST_COLUMN = "monthly_cost"
MIME = {
    "csv": "text/csv",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# What a file may hold.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_MEMBERS = 2000
MAX_ERRORS_SHOWN = 8

# Bounds checked before the work they bound. The audit's worst files: a 5.6 kB workbook
# whose <dimension> claimed A1:XFD1048576 (1.9 GB), a 436 kB JSON team with a new skill
# key per member (rows padded to every key: quadratic), a 1.2 MB zip bomb (150 s+).
MAX_COLUMNS = 512  # name, role, fte, cost and one column per skill, with room to spare
MAX_JSON_DEPTH = 32  # a plan nests 6 deep; json.loads recurses once per level
# Lists and objects in one JSON file: a member is two, a plan of 2,000 a few thousand.
# Checked before parsing, as an object costs ~100 bytes parsed ("[{},{},...]": 1.7 M).
MAX_JSON_CONTAINERS = 50_000
MAX_CUSTOM_MODELS = 100
# JSON values in one member, one custom model or one other plan field. pydantic reports
# every problem at once, and 100,000 of them (one per key of a hostile file) take
# seconds and ~80 MB; a member or a model is a few dozen values.
MAX_ITEM_VALUES = 2_000
MAX_FIELD_VALUES = 20_000
MAX_XLSX_PARTS = 256
MAX_XLSX_PART_BYTES = 16 * 2**20  # unpacked, one part
MAX_XLSX_BYTES = 40 * 2**20  # unpacked, all parts
MAX_XLSX_SHEETS = 64
# openpyxl reads about 150,000 cells a second and builds a Python object for every other
# XML element (a style, a theme entry) at ~30 us each: 2,000 members x 50 columns, and
# room for what Excel writes besides, cost well under a second.
MAX_XLSX_CELLS = 100_000
MAX_XLSX_ROWS = 20_000  # <row> elements
MAX_XLSX_OTHER = 20_000  # any other element
EXCEL_MAX_ROW = 1_048_576  # the last row a sheet can have

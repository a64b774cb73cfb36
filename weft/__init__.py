"""The base of Weft: settings, URLs, the Celery app and what every app shares. It imports no
app. The Celery app (weft/celery.py) is loaded when Django starts, by the tenant app's ready():
importing it here would make every ``import weft.…`` load Celery, and with it Django, which the
pure modules (weft/vocabulary.py, the graph maths, the report figures) must not."""

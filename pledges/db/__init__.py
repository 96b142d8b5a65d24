"""The only raw SQL in the project, each statement beside the ORM code it stands in for.

rows.py: single-row INSERTs and loads typed as the ORM types them; signatures.py:
storing (and erasing) signatures with their audit entries; stations.py: the
kiosk's station lookup; django_internals.py: the undocumented Django they need.
"""

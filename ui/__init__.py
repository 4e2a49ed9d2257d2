"""The page outside app.py: cached calls into roi, widget state, the sidebar and one module per view."""

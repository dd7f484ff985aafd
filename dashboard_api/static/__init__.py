"""The web page's files, served by dashboard_api.page."""

"""dashboard_api"""

"""ebrain"""

"""API v1 routes: each parses, authorizes and calls one service function."""

"""The caseload screen: the children list, search, filters and today's appointments."""

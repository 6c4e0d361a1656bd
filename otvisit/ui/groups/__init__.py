"""The Groups screen: group sessions and parent coaching, opened from the caseload."""

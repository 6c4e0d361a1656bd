"""Screens of the child's way through the service: the waiting list and referral decisions."""

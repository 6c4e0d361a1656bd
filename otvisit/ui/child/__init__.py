"""A child's record: overview, goals, appointments, notes, programme, equipment, documents."""

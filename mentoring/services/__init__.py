"""Writes of mentoring/: import from the submodules (skills, mentorships, rounds)."""

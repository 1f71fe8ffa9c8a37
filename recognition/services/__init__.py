"""Writes of recognition/: awarding, kudos, endorsements, settings."""

"""Transcript intake: parsing meeting transcripts and finding the action items in them."""

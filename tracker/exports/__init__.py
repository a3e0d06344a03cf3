"""CSV exports of a mother's record: per record type, a daily summary, and a data dictionary.

Every export takes the mother whose record it reads (the signed-in mother, or
later one resolved from a clinician's grant) and streams its rows, so memory
stays flat whatever the amount of data.
"""

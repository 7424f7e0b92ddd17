"""Attendance: inviting, the roll call in the room, sign-in sheets, working hours, import and export."""

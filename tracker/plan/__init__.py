"""The masterplan document: generated draft, frozen versions, review, approval, exports."""

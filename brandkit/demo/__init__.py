"""The demo brand: everything generated here, so the repository ships no image binaries.

The only shipped files are the DejaVu fonts (free licence, see fonts/LICENSE-DejaVu.txt).
"""

"""科创 Kechuang: a district's science-and-technology innovation platform."""

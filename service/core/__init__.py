"""Infrastructure any feature may use: database types, the clock, crypto, paging, files, logs."""

"""The docked panels beside and below the map: inspector, pain register, priority matrix,
evidence, action plan, close the loop, and the table and score helpers they share."""

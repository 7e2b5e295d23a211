"""Public notices (公示) with objections, shared by hardship files and aid programs."""

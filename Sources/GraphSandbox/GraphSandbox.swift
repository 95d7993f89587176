// Filled by the Graph sandbox work (issue 2).

// Filled by the shared call budget work (issue 8).

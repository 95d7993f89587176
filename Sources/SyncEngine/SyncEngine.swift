// Filled by its issue; intentionally empty for now.

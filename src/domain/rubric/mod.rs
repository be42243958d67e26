//! Rubric (placeholder, being written).

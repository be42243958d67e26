pub mod domain;
pub mod charts;

//! The folder `school`: a school's own documents — the self-assessment questionnaire of seed
//! 000 §5 and its answers ([`self_assessment`]) and the improvement programme
//! ([`programme`]). Uses `common`, `contract` and `input` (the range rule of a cell) only.

pub mod programme;
pub mod self_assessment;

//! Drawing: the forward pass on the GPU ([`field`]), the layout of the picture ([`layout`]) and
//! the frame that composes heatmaps, points and the network diagram into any target ([`frame`]).

pub mod budget;
pub mod field;
pub mod frame;
pub mod hit;
pub mod image;
pub mod layout;
pub mod screen;

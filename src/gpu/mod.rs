//! GPU plumbing: device acquisition, the Rust mirrors of WGSL structs, readback.

mod context;
pub mod readback;
pub mod shaders;
pub mod types;

pub use context::{GpuContext, POLL_TIMEOUT};

use thiserror::Error;

#[derive(Debug, Error)]
pub enum GpuError {
    #[error(
        "no GPU adapter found (tried {0}); on Linux without a GPU, install Mesa's lavapipe \
         (apt-get install mesa-vulkan-drivers libvulkan1)"
    )]
    NoAdapter(String),
    #[error("could not open the GPU device {0}")]
    Device(String),
    #[error("waiting for the GPU failed: {0}")]
    Poll(String),
    #[error("reading back from the GPU failed: {0}")]
    Readback(String),
    #[error("{0}")]
    TooLarge(String),
}

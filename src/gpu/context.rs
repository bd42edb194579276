//! Getting a device. Acquisition is kept apart from the work (the pipelines take a `&GpuContext`),
//! so tests and headless commands inject a device the same way the window does.

use super::GpuError;
use std::time::Duration;

/// How long a blocking wait on the GPU may take before it is reported as hung. Generous, since
/// lavapipe runs big dispatches on two CPU cores.
pub const POLL_TIMEOUT: Duration = Duration::from_secs(120);

pub struct GpuContext {
    pub instance: wgpu::Instance,
    pub adapter: wgpu::Adapter,
    pub device: wgpu::Device,
    pub queue: wgpu::Queue,
    pub info: wgpu::AdapterInfo,
}

fn instance() -> wgpu::Instance {
    // Validation follows the build (on with debug assertions, so in tests and debug builds);
    // WGPU_BACKEND / WGPU_VALIDATION and friends can still override it.
    let mut desc = wgpu::InstanceDescriptor::new_without_display_handle();
    desc.flags = wgpu::InstanceFlags::from_build_config().with_env();
    desc.backends = wgpu::Backends::PRIMARY.with_env();
    wgpu::Instance::new(desc)
}

impl GpuContext {
    /// A device without a window: a real GPU when there is one, else a software adapter (such as
    /// lavapipe).
    pub fn headless() -> Result<Self, GpuError> {
        let instance = instance();
        let mut tried = Vec::new();
        for fallback in [false, true] {
            let opts = wgpu::RequestAdapterOptions {
                power_preference: wgpu::PowerPreference::HighPerformance,
                force_fallback_adapter: fallback,
                compatible_surface: None,
                apply_limit_buckets: false,
            };
            match pollster::block_on(instance.request_adapter(&opts)) {
                Ok(adapter) => return Self::from_adapter(instance, adapter),
                Err(e) => tried.push(format!("{} adapter: {e}", if fallback { "software" } else { "hardware" })),
            }
        }
        Err(GpuError::NoAdapter(tried.join("; ")))
    }

    /// A device that can present to `surface` (created from this context's kind of instance).
    pub fn for_surface(instance: wgpu::Instance, surface: &wgpu::Surface<'_>) -> Result<Self, GpuError> {
        let opts = wgpu::RequestAdapterOptions {
            power_preference: wgpu::PowerPreference::HighPerformance,
            force_fallback_adapter: false,
            compatible_surface: Some(surface),
            apply_limit_buckets: false,
        };
        let adapter = pollster::block_on(instance.request_adapter(&opts))
            .map_err(|e| GpuError::NoAdapter(format!("adapter for the window surface: {e}")))?;
        Self::from_adapter(instance, adapter)
    }

    /// A fresh instance for a window to create its surface from before calling [`Self::for_surface`].
    pub fn new_instance() -> wgpu::Instance {
        instance()
    }

    fn from_adapter(instance: wgpu::Instance, adapter: wgpu::Adapter) -> Result<Self, GpuError> {
        let info = adapter.get_info();
        // The adapter's own limits: wide networks want the biggest storage bindings it allows.
        let desc = wgpu::DeviceDescriptor {
            label: Some("hidden-layers"),
            required_features: wgpu::Features::empty(),
            required_limits: adapter.limits(),
            experimental_features: wgpu::ExperimentalFeatures::disabled(),
            memory_hints: wgpu::MemoryHints::Performance,
            trace: wgpu::Trace::Off,
        };
        let (device, queue) = pollster::block_on(adapter.request_device(&desc))
            .map_err(|e| GpuError::Device(format!("{} ({:?}): {e}", info.name, info.backend)))?;
        Ok(GpuContext { instance, adapter, device, queue, info })
    }

    /// One line naming the adapter, for logs and benchmarks.
    pub fn describe(&self) -> String {
        format!(
            "{} ({:?}, {:?}, driver {})",
            self.info.name, self.info.backend, self.info.device_type, self.info.driver
        )
    }

    pub fn is_software(&self) -> bool {
        self.info.device_type == wgpu::DeviceType::Cpu
    }

    /// Blocks until all submitted work is done, or fails after [`POLL_TIMEOUT`].
    pub fn wait(&self) -> Result<(), GpuError> {
        self.device
            .poll(wgpu::PollType::Wait { submission_index: None, timeout: Some(POLL_TIMEOUT) })
            .map(|_| ())
            .map_err(|e| GpuError::Poll(e.to_string()))
    }
}

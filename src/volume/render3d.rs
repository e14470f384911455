//! 3-D volume rendering by ray casting: the camera orbiting the volume, transfer-function
//! presets, and a CPU reference renderer the GPU ray caster is checked against.

/// What the 3-D view shows and from where.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct View3d {
    /// The display set rendered.
    pub display_set: Option<String>,
}

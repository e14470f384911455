//! The C library symbols that the `openjp2` crate (a line-by-line port of OpenJPEG) still
//! declares as `extern "C"` and that `wasm32-unknown-unknown` has no libc to provide:
//! `malloc`, `calloc`, `realloc`, `free` and `strcpy`. Without these the `.wasm` imports
//! them from "env" and cannot be instantiated. (`memcpy`, `memset`, `strlen` and the math
//! functions come from Rust's compiler-builtins on this target.)
//!
//! The allocator functions sit on Rust's global allocator. Each block carries a 16-byte
//! header holding its size (Rust's `dealloc` needs the layout; C's `free` does not pass it),
//! so returned pointers keep the 16-byte alignment C's `malloc` guarantees.
//!
//! It also installs the global allocator, [`CTolerantAllocator`]: openjp2 0.6.1 calls Rust's
//! `dealloc` with a null pointer (`opj_tcd_code_block_dec_deallocate` frees every code
//! block's `decoded_data`, which whole-tile decoding never allocates) and `alloc`/`dealloc`
//! with zero-size layouts (`opj_dwt_decode_tile` for a single resolution). On native targets
//! the system `free(NULL)` hides this; wasm's dlmalloc traps ("memory access out of bounds").
//!
//! Only compiled for wasm32: on native targets the real libc provides these symbols, and
//! defining them there would replace the process allocator.
#![cfg(target_arch = "wasm32")]

use core::ffi::{c_char, c_void};
use std::alloc::{alloc, alloc_zeroed, dealloc, realloc as rust_realloc, GlobalAlloc, Layout, System};

/// The system allocator (dlmalloc on wasm32), made to accept what C code ported to Rust
/// does with it: `dealloc(null, _)` and zero-size layouts are no-ops, `alloc` of zero bytes
/// returns a dangling aligned pointer. Everything else is passed through unchanged.
pub struct CTolerantAllocator;

// SAFETY: every non-degenerate request is forwarded to `System` with the same arguments;
// degenerate ones never reach it and never hand out memory that could be written.
unsafe impl GlobalAlloc for CTolerantAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.size() == 0 {
            return layout.align() as *mut u8;
        }
        // SAFETY: non-zero size, as `System` requires.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if layout.size() == 0 {
            return layout.align() as *mut u8;
        }
        // SAFETY: non-zero size, as `System` requires.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        if pointer.is_null() || layout.size() == 0 {
            return;
        }
        // SAFETY: a non-null block of non-zero size can only come from `System` here.
        unsafe { System.dealloc(pointer, layout) }
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if pointer.is_null() || layout.size() == 0 {
            // Nothing real to move from: a fresh block.
            // SAFETY: `new_size` with the old alignment was valid for the caller.
            return unsafe { self.alloc(Layout::from_size_align_unchecked(new_size, layout.align())) };
        }
        if new_size == 0 {
            // SAFETY: the block came from `System` (see `dealloc`).
            unsafe { System.dealloc(pointer, layout) };
            return layout.align() as *mut u8;
        }
        // SAFETY: a real `System` block resized to a non-zero size.
        unsafe { System.realloc(pointer, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: CTolerantAllocator = CTolerantAllocator;

/// Alignment of every block, and size of the header in front of it.
const HEADER: usize = 16;

/// Layout of a block whose caller-visible size is `size`; None when it cannot exist.
fn block_layout(size: usize) -> Option<Layout> {
    Layout::from_size_align(size.checked_add(HEADER)?, HEADER).ok()
}

/// Writes `size` into the header at `base` and returns the caller's pointer after it.
///
/// # Safety
/// `base` must be null or the start of a live block of at least `HEADER` bytes.
unsafe fn finish_block(base: *mut u8, size: usize) -> *mut c_void {
    if base.is_null() {
        return core::ptr::null_mut();
    }
    // SAFETY: `base` starts a block of `size + HEADER` bytes aligned to 16 (caller's contract).
    unsafe {
        (base as *mut usize).write(size);
        base.add(HEADER) as *mut c_void
    }
}

/// Start of the block (header included) and its layout, from a pointer `malloc` returned.
///
/// # Safety
/// `pointer` must be non-null and come from `malloc`, `calloc` or `realloc` below.
unsafe fn block_of(pointer: *mut c_void) -> (*mut u8, Layout) {
    // SAFETY: the header lies `HEADER` bytes before every pointer this module hands out.
    unsafe {
        let base = (pointer as *mut u8).sub(HEADER);
        let size = (base as *const usize).read();
        // The layout was valid when the block was made, with this very size.
        (base, Layout::from_size_align_unchecked(size + HEADER, HEADER))
    }
}

/// C `malloc`: `size` uninitialised bytes aligned to 16, or null when out of memory.
#[unsafe(no_mangle)]
pub extern "C" fn malloc(size: usize) -> *mut c_void {
    let Some(layout) = block_layout(size) else {
        return core::ptr::null_mut();
    };
    // SAFETY: the layout has a non-zero size (at least the header).
    unsafe { finish_block(alloc(layout), size) }
}

/// C `calloc`: `count × size` zeroed bytes; null on overflow or when out of memory.
#[unsafe(no_mangle)]
pub extern "C" fn calloc(count: usize, size: usize) -> *mut c_void {
    let Some(total) = count.checked_mul(size) else {
        return core::ptr::null_mut();
    };
    let Some(layout) = block_layout(total) else {
        return core::ptr::null_mut();
    };
    // SAFETY: the layout has a non-zero size (at least the header).
    unsafe { finish_block(alloc_zeroed(layout), total) }
}

/// C `free`: releases a block; `free(NULL)` does nothing.
///
/// # Safety
/// `pointer` must be null or a live pointer from this module's `malloc`/`calloc`/`realloc`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn free(pointer: *mut c_void) {
    if pointer.is_null() {
        return;
    }
    // SAFETY: caller's contract.
    unsafe {
        let (base, layout) = block_of(pointer);
        dealloc(base, layout);
    }
}

/// C `realloc`: resizes a block keeping its contents; `realloc(NULL, n)` is `malloc(n)`.
/// A zero size yields a fresh minimal block (the old one is freed), never a dangling null.
/// On failure returns null and leaves the old block untouched.
///
/// # Safety
/// `pointer` must be null or a live pointer from this module's `malloc`/`calloc`/`realloc`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn realloc(pointer: *mut c_void, size: usize) -> *mut c_void {
    if pointer.is_null() {
        return malloc(size);
    }
    let Some(new_layout) = block_layout(size) else {
        return core::ptr::null_mut();
    };
    // SAFETY: caller's contract; the new size keeps the alignment and is non-zero.
    unsafe {
        let (base, layout) = block_of(pointer);
        finish_block(rust_realloc(base, layout, new_layout.size()), size)
    }
}

/// C `strcpy`: copies the NUL-terminated `source` (terminator included) to `destination`.
/// Only reached from openjpeg's encoder set-up (the comment string), kept for linking.
///
/// # Safety
/// `source` must be NUL-terminated and `destination` large enough for it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn strcpy(destination: *mut c_char, source: *const c_char) -> *mut c_char {
    let mut index = 0;
    // SAFETY: caller's contract; the loop stops at the terminator.
    unsafe {
        loop {
            let byte = *source.add(index);
            *destination.add(index) = byte;
            if byte == 0 {
                break;
            }
            index += 1;
        }
    }
    destination
}

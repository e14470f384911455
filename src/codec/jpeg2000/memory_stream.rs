//! An openjpeg input stream reading straight from a byte slice through the user-data
//! callbacks of its C-style stream API (`opj_stream_set_read_function` and friends).

use core::ffi::c_void;
use core::marker::PhantomData;
use openjp2::openjpeg::{
    opj_stream_set_read_function, opj_stream_set_seek_function, opj_stream_set_skip_function, opj_stream_set_user_data,
    opj_stream_t,
};
use openjp2::Stream;

/// Read position over the borrowed codestream; openjpeg reaches it through a raw pointer.
pub struct MemorySource<'a> {
    bytes: &'a [u8],
    position: usize,
}

impl<'a> MemorySource<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        MemorySource { bytes, position: 0 }
    }

    fn read_into(&mut self, out: &mut [u8]) -> usize {
        let available = self.bytes.get(self.position..).unwrap_or(&[]);
        let count = available.len().min(out.len());
        if let (Some(destination), Some(source)) = (out.get_mut(..count), available.get(..count)) {
            destination.copy_from_slice(source);
        }
        self.position += count;
        count
    }

    /// Moves to `target` when it lies within the bytes (end included).
    fn move_to(&mut self, target: i64) -> bool {
        match usize::try_from(target) {
            Ok(target) if target <= self.bytes.len() => {
                self.position = target;
                true
            }
            _ => false,
        }
    }
}

/// `opj_stream_read_fn`: copies up to `length` bytes; 0 at the end of the data.
unsafe extern "C" fn read_callback(buffer: *mut c_void, length: usize, user: *mut c_void) -> usize {
    if buffer.is_null() || user.is_null() || length == 0 {
        return 0;
    }
    // SAFETY: `user` is the `MemorySource` registered in `open`, alive for the stream's life;
    // openjpeg passes a writable buffer of `length` bytes.
    let source = unsafe { &mut *(user as *mut MemorySource) };
    let out = unsafe { core::slice::from_raw_parts_mut(buffer as *mut u8, length) };
    source.read_into(out)
}

/// `opj_stream_skip_fn`: relative move (may be negative); -1 when it would leave the data.
unsafe extern "C" fn skip_callback(offset: i64, user: *mut c_void) -> i64 {
    if user.is_null() {
        return -1;
    }
    // SAFETY: see `read_callback`.
    let source = unsafe { &mut *(user as *mut MemorySource) };
    let target = (source.position as i64).checked_add(offset);
    match target {
        Some(target) if source.move_to(target) => offset,
        _ => -1,
    }
}

/// `opj_stream_seek_fn`: absolute move; 1 on success, 0 when outside the data.
unsafe extern "C" fn seek_callback(offset: i64, user: *mut c_void) -> i32 {
    if user.is_null() {
        return 0;
    }
    // SAFETY: see `read_callback`.
    let source = unsafe { &mut *(user as *mut MemorySource) };
    i32::from(source.move_to(offset))
}

/// An openjpeg stream holding a raw pointer to a [`MemorySource`]; the lifetime keeps the
/// source borrowed (and so alive and unmoved) for as long as the stream exists.
pub struct MemoryStream<'s> {
    pub stream: Stream,
    source: PhantomData<&'s mut ()>,
}

/// A read stream over `source`.
pub fn open<'s>(source: &'s mut MemorySource<'_>) -> MemoryStream<'s> {
    // Buffer capacity 0: every read goes straight to the callback, no copy into a 1 MiB buffer.
    let mut stream = Stream::new_custom(0, true);
    let length = source.bytes.len() as u64;
    let handle = (&mut stream as *mut Stream).cast::<opj_stream_t>();
    let user = (source as *mut MemorySource).cast::<c_void>();
    // SAFETY: `handle` points to a live input `Stream`; these setters only store the values.
    unsafe {
        opj_stream_set_read_function(handle, Some(read_callback));
        opj_stream_set_skip_function(handle, Some(skip_callback));
        opj_stream_set_seek_function(handle, Some(seek_callback));
        opj_stream_set_user_data(handle, user, None);
    }
    stream.set_stream_length(length);
    MemoryStream { stream, source: PhantomData }
}

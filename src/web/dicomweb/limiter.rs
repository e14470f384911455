//! At most N requests in flight to a server (browsers allow 6 connections per HTTP/1.1 host;
//! more queued requests would only delay the slice the user is waiting for). Waiters are
//! served first come, first served.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

pub struct Limiter {
    capacity: usize,
    in_use: Cell<usize>,
    waiting: RefCell<VecDeque<Function>>,
}

/// A slot; dropping it lets the next waiter in.
pub struct Permit(Rc<Limiter>);

impl Drop for Permit {
    fn drop(&mut self) {
        let next = self.0.waiting.borrow_mut().pop_front();
        match next {
            // The slot passes straight to the waiter.
            Some(resolve) => {
                let _ = resolve.call0(&JsValue::NULL);
            }
            None => self.0.in_use.set(self.0.in_use.get().saturating_sub(1)),
        }
    }
}

impl Limiter {
    pub fn new(capacity: usize) -> Rc<Limiter> {
        Rc::new(Limiter { capacity: capacity.max(1), in_use: Cell::new(0), waiting: RefCell::new(VecDeque::new()) })
    }

    pub async fn acquire(self: &Rc<Self>) -> Permit {
        if self.in_use.get() < self.capacity {
            self.in_use.set(self.in_use.get() + 1);
            return Permit(self.clone());
        }
        let mut settle = None;
        let promise = Promise::new(&mut |resolve, _| settle = Some(resolve));
        if let Some(resolve) = settle {
            self.waiting.borrow_mut().push_back(resolve);
        }
        let _ = JsFuture::from(promise).await;
        Permit(self.clone())
    }
}

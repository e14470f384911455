//! Decoded frames kept in memory, least recently used first out, within a byte budget.
//!
//! Every operation is O(log n): a hash map holds the entries and a B-tree orders the unpinned
//! ones by last use (a logical clock), so eviction takes the tree's first key.
//!
//! Rules: the caller can pin a small set of keys (the frames just shown and about to be shown);
//! pinned entries are never evicted. The most recently used entry is never evicted either, so a
//! value bigger than the whole budget is still kept — alone, once everything unpinned has gone —
//! rather than rejected: the frame being shown must stay available. The cache can therefore hold
//! more than the budget by the pinned entries plus that one.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::Hash;

struct Entry<V> {
    value: V,
    bytes: usize,
    last_used: u64,
}

pub struct FrameCache<K: Eq + Hash + Clone, V> {
    budget: usize,
    used: usize,
    clock: u64,
    entries: HashMap<K, Entry<V>>,
    /// Unpinned entries by `last_used`, oldest first.
    order: BTreeMap<u64, K>,
    pinned: HashSet<K>,
}

impl<K: Eq + Hash + Clone, V> FrameCache<K, V> {
    pub fn new(budget_bytes: usize) -> Self {
        FrameCache {
            budget: budget_bytes,
            used: 0,
            clock: 0,
            entries: HashMap::new(),
            order: BTreeMap::new(),
            pinned: HashSet::new(),
        }
    }

    /// Stores `value` (replacing any value under `key`) as the most recently used entry and
    /// returns the keys evicted to get back within the budget, oldest first.
    pub fn insert(&mut self, key: K, value: V, bytes: usize) -> Vec<K> {
        self.remove(&key);
        self.clock += 1;
        if !self.pinned.contains(&key) {
            self.order.insert(self.clock, key.clone());
        }
        self.used = self.used.saturating_add(bytes);
        self.entries.insert(key, Entry { value, bytes, last_used: self.clock });
        self.evict()
    }

    /// The value under `key`, marking it the most recently used.
    pub fn get(&mut self, key: &K) -> Option<&V> {
        let entry = self.entries.get_mut(key)?;
        self.clock += 1;
        if let Some(key) = self.order.remove(&entry.last_used) {
            self.order.insert(self.clock, key);
        }
        entry.last_used = self.clock;
        Some(&entry.value)
    }

    pub fn contains(&self, key: &K) -> bool {
        self.entries.contains_key(key)
    }

    pub fn remove(&mut self, key: &K) -> Option<V> {
        let entry = self.entries.remove(key)?;
        self.order.remove(&entry.last_used);
        self.used = self.used.saturating_sub(entry.bytes);
        Some(entry.value)
    }

    /// Replaces the pinned set with `keys` (present now or inserted later); entries no longer
    /// pinned become evictable again, so this returns the keys evicted as a result.
    pub fn pin(&mut self, keys: &[K]) -> Vec<K> {
        let pinned: HashSet<K> = keys.iter().cloned().collect();
        for key in self.pinned.difference(&pinned) {
            if let Some(entry) = self.entries.get(key) {
                self.order.insert(entry.last_used, key.clone());
            }
        }
        for key in &pinned {
            if let Some(entry) = self.entries.get(key) {
                self.order.remove(&entry.last_used);
            }
        }
        self.pinned = pinned;
        self.evict()
    }

    pub fn used_bytes(&self) -> usize {
        self.used
    }

    pub fn budget(&self) -> usize {
        self.budget
    }

    /// Changes the budget and returns the keys evicted to fit it.
    pub fn set_budget(&mut self, bytes: usize) -> Vec<K> {
        self.budget = bytes;
        self.evict()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Drops the least recently used unpinned entries until within budget, sparing the most
    /// recently used entry (whose `last_used` is the current clock).
    fn evict(&mut self) -> Vec<K> {
        let mut evicted = Vec::new();
        while self.used > self.budget {
            match self.order.first_key_value() {
                Some((&last_used, _)) if last_used != self.clock => {
                    if let Some((_, key)) = self.order.pop_first() {
                        if let Some(entry) = self.entries.remove(&key) {
                            self.used = self.used.saturating_sub(entry.bytes);
                        }
                        evicted.push(key);
                    }
                }
                _ => break,
            }
        }
        evicted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evicts_least_recently_used_first() {
        // Budget 300: three 100-byte frames fit; reading 1 makes 2 the oldest.
        let mut cache = FrameCache::new(300);
        for key in 1..=3 {
            assert!(cache.insert(key, key * 10, 100).is_empty());
        }
        assert_eq!(cache.get(&1), Some(&10));
        assert_eq!(cache.insert(4, 40, 100), vec![2]);
        // 150 more bytes: 3 (100) then 1 (100) go, leaving 4 + 5 = 250.
        assert_eq!(cache.insert(5, 50, 150), vec![3, 1]);
        assert_eq!((cache.len(), cache.used_bytes()), (2, 250));
        assert!(cache.contains(&4) && !cache.contains(&1));
    }

    #[test]
    fn replacing_and_removing_adjust_bytes() {
        let mut cache = FrameCache::new(1000);
        cache.insert("a", 1, 400);
        cache.insert("a", 2, 100);
        assert_eq!((cache.len(), cache.used_bytes(), cache.get(&"a")), (1, 100, Some(&2)));
        assert_eq!(cache.remove(&"a"), Some(2));
        assert_eq!((cache.len(), cache.used_bytes()), (0, 0));
        assert!(cache.is_empty());
        assert_eq!(cache.remove(&"a"), None);
    }

    #[test]
    fn oversized_value_is_kept_alone() {
        let mut cache = FrameCache::new(100);
        cache.insert(1, (), 60);
        cache.insert(2, (), 30);
        assert_eq!(cache.insert(3, (), 500), vec![1, 2]);
        assert_eq!((cache.len(), cache.used_bytes()), (1, 500));
        // The next insert evicts it like any other.
        assert_eq!(cache.insert(4, (), 10), vec![3]);
    }

    #[test]
    fn pinned_entries_survive_until_unpinned() {
        let mut cache = FrameCache::new(200);
        cache.insert(1, (), 100);
        cache.insert(2, (), 100);
        assert!(cache.pin(&[1, 5]).is_empty());
        // 1 is pinned, so 2 goes although 1 is older.
        assert_eq!(cache.insert(3, (), 100), vec![2]);
        // A pinned key inserted later is protected too: budget 200 holds 1 and 5 beyond it.
        assert_eq!(cache.insert(5, (), 100), vec![3]);
        assert_eq!(cache.used_bytes(), 200);
        // Lowering the budget spares the pins; unpinning 1 then evicts it (5 is most recent).
        assert!(cache.set_budget(50).is_empty());
        assert_eq!(cache.pin(&[]), vec![1]);
        assert_eq!((cache.len(), cache.budget()), (1, 50));
    }

    #[test]
    fn ten_thousand_inserts_stay_fast_and_exact() {
        // Budget for 1000 frames of 100 bytes: after 10 000 inserts keys 9000..10000 remain and
        // 0..9000 were evicted in insertion order.
        let started = std::time::Instant::now();
        let mut cache = FrameCache::new(100_000);
        let mut evicted = Vec::new();
        for key in 0..10_000u32 {
            evicted.extend(cache.insert(key, key, 100));
            if key % 7 == 0 {
                cache.get(&key);
            }
        }
        assert_eq!(evicted, (0..9000).collect::<Vec<_>>());
        assert_eq!((cache.len(), cache.used_bytes()), (1000, 100_000));
        assert!((9000..10_000).all(|key| cache.contains(&key)));
        eprintln!("10 000 inserts: {:?}", started.elapsed());
    }
}

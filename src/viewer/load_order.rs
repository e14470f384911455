//! The order a display set's slices are loaded in the background: the slice on screen first,
//! then its neighbours alternately after and before it, so scrolling either way finds them.

/// Indices `0..count` ordered by distance from `start` (start, start+1, start-1, …); `start`
/// past the end counts as the last index.
pub fn outward(start: usize, count: usize) -> Vec<usize> {
    let mut order = Vec::with_capacity(count);
    if count == 0 {
        return order;
    }
    let start = start.min(count - 1);
    order.push(start);
    for distance in 1..count {
        if start + distance < count {
            order.push(start + distance);
        }
        if distance <= start {
            order.push(start - distance);
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::outward;

    #[test]
    fn nearest_first_each_index_once() {
        assert_eq!(outward(2, 5), vec![2, 3, 1, 4, 0]);
        assert_eq!(outward(0, 3), vec![0, 1, 2]);
        assert_eq!(outward(9, 3), vec![2, 1, 0]);
        assert!(outward(0, 0).is_empty());
        let mut all = outward(37, 128);
        all.sort_unstable();
        assert_eq!(all, (0..128).collect::<Vec<_>>());
    }
}

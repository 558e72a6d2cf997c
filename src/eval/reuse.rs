//! Lists kept empty from one ticket (or batch) to the next, so that their
//! memory is reused instead of allocated again.

/// `v` emptied, as a list of `U`: for the same type with another lifetime
/// (a `Vec<Cycle<'a>>` kept between tickets as a `Vec<Cycle<'static>>`),
/// the standard library collects in place, so the allocation is kept (a
/// test checks it); for other layouts it would be a new, empty list.
pub(crate) fn emptied<T, U>(v: Vec<T>) -> Vec<U> {
    v.into_iter().filter_map(|_| None).collect()
}

/// The most items a list kept between tickets keeps room for: more than
/// the usual ticket needs (a few cycles, pieces and instants per event),
/// and small enough that what a worker keeps is a hundred kilobytes or so.
pub(crate) const KEPT_MOST: usize = 256;

/// [`emptied`], unless its room is for more than `most` items: then an
/// empty list without memory, so that one very large ticket does not keep
/// its lists' memory for the rest of the run.
pub(crate) fn kept<T, U>(v: Vec<T>, most: usize) -> Vec<U> {
    if v.capacity() > most {
        Vec::new()
    } else {
        emptied(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A list of borrowed names, emptied into one with another lifetime,
    /// keeps its memory: the same pointer and capacity.
    #[test]
    fn emptied_keeps_the_allocation() {
        let names = [String::from("a"), String::from("b")];
        let mut v: Vec<(&str, u64)> = Vec::with_capacity(37);
        v.extend(names.iter().map(|n| (n.as_str(), 1)));
        let (ptr, cap) = (v.as_ptr() as usize, v.capacity());
        let w: Vec<(&'static str, u64)> = emptied(v);
        assert!(w.is_empty());
        assert_eq!(w.capacity(), cap);
        assert_eq!(w.as_ptr() as usize, ptr);
    }

    /// The items are dropped (each owns memory here) and the list is empty.
    #[test]
    fn emptied_drops_the_items() {
        let v = vec![String::from("x"); 5];
        let cap = v.capacity();
        let w: Vec<String> = emptied(v);
        assert!(w.is_empty());
        assert_eq!(w.capacity(), cap);
    }

    #[test]
    fn kept_lets_large_lists_go() {
        let small: Vec<u32> = kept(Vec::<u32>::with_capacity(8), 8);
        assert_eq!(small.capacity(), 8);
        let large: Vec<u32> = kept(Vec::<u32>::with_capacity(9), 8);
        assert_eq!(large.capacity(), 0);
    }
}

"""Speed and accuracy measurements that print figures (tests never time anything)."""

package io.sluice.orchestrator.pool;

import akka.actor.typed.ActorRef;
import java.util.HashMap;
import java.util.Map;

/**
 * How many leases and waiting requests each holder has. A holder is death-watched while it has any: the supervisor
 * watches it on its first use and unwatches it after its last, so a holder's death is seen exactly while it matters.
 *
 * <p>Not thread-safe: owned by one actor.
 */
final class HolderUse {
  private final Map<ActorRef<?>, Integer> uses = new HashMap<>();

  /** Counts one more use; true if this is the holder's first, so it must now be watched. Null holders are ignored. */
  boolean use(ActorRef<?> holder) {
    return holder != null && uses.merge(holder, 1, Integer::sum) == 1;
  }

  /** Counts one use less; true if that was the holder's last, so it may now be unwatched. */
  boolean release(ActorRef<?> holder) {
    if (holder == null) {
      return false;
    }
    Integer use = uses.get(holder);
    if (use == null) {
      return false;
    }
    if (use == 1) {
      uses.remove(holder);
      return true;
    }
    uses.put(holder, use - 1);
    return false;
  }

  /** The holder stopped: whatever it held is being returned; nothing of it is counted any more. */
  void forget(ActorRef<?> holder) {
    uses.remove(holder);
  }

  int uses(ActorRef<?> holder) {
    return uses.getOrDefault(holder, 0);
  }

  int holders() {
    return uses.size();
  }
}

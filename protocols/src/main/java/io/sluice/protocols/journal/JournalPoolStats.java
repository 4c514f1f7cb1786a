package io.sluice.protocols.journal;

import io.sluice.protocols.permit.PoolStats;
import java.util.List;

/**
 * A snapshot of the event journal's pool. It has no supervisor and grants no permits (Akka Persistence JDBC borrows
 * connections itself), so it shows what the pool itself knows.
 *
 * @param pool the pool's name ({@code journal})
 * @param physical connections the pool has open right now
 * @param borrowed connections the journal, snapshot store or replays hold right now
 * @param borrows connections borrowed since the pool opened (each write batch, replay or snapshot operation)
 * @param idleDrains how often the pool closed its idle connections after its idle timeout
 * @param activeTimers {@code idle-drain} while the drain is armed (the last connection came back and the idle timeout
 *     has not passed yet); empty otherwise, in particular while the pool is drained
 * @param drained true while nothing is borrowed, no connection is open and no timer is armed
 * @param suspended true while the pool's door is closed (this node is on the minority side of a partition): no
 *     connection is kept and every borrow fails at once
 * @param suspendedReason why it is suspended; null while it is not
 * @param refusedBorrows borrows refused because the pool was suspended, since it opened
 */
public record JournalPoolStats(
    String pool,
    PoolStats.Physical physical,
    int borrowed,
    long borrows,
    long idleDrains,
    List<String> activeTimers,
    boolean drained,
    boolean suspended,
    String suspendedReason,
    long refusedBorrows) {}

package io.sluice.protocols.campaign;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.Set;

/** When leads may be called, in each lead's own local time: on {@code days}, from {@code start} until {@code end}. */
public record CallWindow(Set<DayOfWeek> days, LocalTime start, LocalTime end) {}

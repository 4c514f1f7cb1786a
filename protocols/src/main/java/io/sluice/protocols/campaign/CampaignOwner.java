package io.sluice.protocols.campaign;

/** The user a campaign belongs to, and where its summary email goes. */
public record CampaignOwner(String userId, String email) {}

@errors @encryption @action:ResetDisk
Feature: ResetDisk errors: encrypted disks and snapshots, and their KMS keys
  The rows of the KMS keys (one since 2020-09-10, the others since 2023-08-25) and the second
  InvalidParameter.Mismatch (since 2024-12-02). The reference names no trigger; each below is the mock's reading of
  the row's words (docs/choices.md, "Editions").

  Background:
    Given an instance "i-1" that is Stopped
    And a disk "d-1" that is In_use on instance "i-1"
    And a snapshot "s-1" of disk "d-1" that is accomplished
    And a KMS key "key-1"
    And the disk "d-1" is encrypted with KMS key "key-1"
    And the snapshot "s-1" is encrypted with KMS key "key-1"

  Scenario Outline: An encrypted disk whose KMS key is in order resets (<format>)
    When I reset disk "d-1" to snapshot "s-1" in <format>
    Then the reset succeeds
    And disk "d-1" was rolled back to snapshot "s-1"

    Examples:
      | format |
      | XML    |
      | JSON   |

  @editions:2020-09-10..
  Scenario Outline: InvalidParameter.KMSKeyId.KMSUnauthorized when the account has not authorised ECS to use KMS (<format>)
    Given the account has not authorised ECS to use KMS
    When I reset disk "d-1" to snapshot "s-1" in <format>
    Then the answer is
      | status  | 403                                           |
      | Code    | InvalidParameter.KMSKeyId.KMSUnauthorized     |
      | Message | ECS service have no right to access your KMS. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @editions:2023-08-25..
  Scenario Outline: InvalidParameter.KMSKeyId.NotFound when the disk's KMS key does not exist (<format>)
    Given the disk "d-1" is encrypted with KMS key "key-gone"
    When I reset disk "d-1" to snapshot "s-1" in <format>
    Then the answer is
      | status  | 404                                    |
      | Code    | InvalidParameter.KMSKeyId.NotFound     |
      | Message | The specified KMSKeyId does not exist. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @editions:2023-08-25..
  Scenario Outline: InvalidParameter.KMSKeyId.CMKNotEnabled when the KMS key is disabled (<format>)
    Given the KMS key "key-1" is disabled
    When I reset disk "d-1" to snapshot "s-1" in <format>
    Then the answer is
      | status  | 403                                     |
      | Code    | InvalidParameter.KMSKeyId.CMKNotEnabled |
      | Message | The CMK needs to be enabled.            |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @editions:2023-08-25..
  Scenario Outline: InvalidParameter.KMSKeyId.CMKUnauthorized when the KMS key lacks ECS's tag (<format>)
    Given the KMS key "key-1" lacks the tag that lets ECS use it
    When I reset disk "d-1" to snapshot "s-1" in <format>
    Then the answer is
      | status  | 403                                       |
      | Code    | InvalidParameter.KMSKeyId.CMKUnauthorized |
      | Message | The CMK needs to be added ECS tag.        |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @editions:2024-12-02..
  Scenario Outline: InvalidParameter.Mismatch when an encrypted snapshot would reset an unencrypted disk (<format>)
    Given a disk "d-2" that is In_use on instance "i-1"
    And a snapshot "s-2" of disk "d-2" that is accomplished
    And the snapshot "s-2" is encrypted with KMS key "key-1"
    When I reset disk "d-2" to snapshot "s-2" in <format>
    Then the answer is
      | status  | 403                                                        |
      | Code    | InvalidParameter.Mismatch                                  |
      | Message | Non-encrypted disk can not be reset by encrypted snapshot. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

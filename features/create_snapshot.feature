@rollback @snapshot
Feature: CreateSnapshot
  CreateSnapshot takes a snapshot of a cloud disk: progressing, then accomplished. A disk in an
  operation of its own, in arrears, local, or with a snapshot still being created (or as many as
  the concurrent quota allows) has none taken, nor one of an instance never started, in
  transition or locked for security, nor one past the 256 snapshots of a disk; every parameter's
  form is checked, and a ClientToken makes a retry answer as the first call did. No DryRun. Each
  row of features/CreateSnapshot.errors.tsv in every edition that lists it (docs/contract.md,
  "The rollback actions"; the triggers the mock chose where the sources are silent are in
  docs/choices.md).

  Background:
    Given an instance "i-1" that is Running
    And a disk "d-1" that is In_use on instance "i-1"

  # Instant here (the states on the way are rollback.feature's). Every scenario that succeeds
  # states how long its transition takes, which only the control API arranges: on existing resources
  # it is not run, for its effect lasts (docs/discover.md).
  # Its recorded answer masks the SnapshotId, new at every call.
  @action:CreateSnapshot
  Scenario Outline: A snapshot of a disk in use is taken (<format>)
    Given a snapshot takes 0 ms
    When I create a snapshot of disk "d-1" in <format>
    Then the snapshot is created
    And the answer matches its recorded answer
    And the target holds the new snapshot of disk "d-1"

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:CreateSnapshot
  Scenario Outline: A snapshot of a disk of a stopped instance is taken (<format>)
    Given a snapshot takes 0 ms
    And the instance "i-1" is Stopped
    When I create a snapshot of disk "d-1" in <format>
    Then the snapshot is created
    And the target holds the new snapshot of disk "d-1"

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:CreateSnapshot
  Scenario Outline: A retry with the same ClientToken answers as the first call did (<format>)
    Given a snapshot takes 0 ms
    And a snapshot of disk "d-1" was created with ClientToken "token-1"
    When I create a snapshot of disk "d-1" in <format> with ClientToken "token-1"
    Then the snapshot is created
    And the target holds the new snapshot of disk "d-1"

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:CreateSnapshot
  Scenario Outline: InvalidDiskId.NotFound for a disk that does not exist (<format>)
    When I create a snapshot of disk "d-never-existed" in <format>
    Then the answer is
      | status  | 404                                  |
      | Code    | InvalidDiskId.NotFound               |
      | Message | The specified DiskId does not exist. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:CreateSnapshot
  Scenario Outline: InvalidInstanceId.NotFound when the disk's instance was released (<format>)
    Given the instance "i-1" was released
    When I create a snapshot of disk "d-1" in <format>
    Then the answer is
      | status  | 404                                      |
      | Code    | InvalidInstanceId.NotFound               |
      | Message | The specified InstanceId does not exist. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:CreateSnapshot
  Scenario Outline: IncorrectDiskStatus while the disk is being attached (<format>)
    Given the disk "d-1" is Attaching
    When I create a snapshot of disk "d-1" in <format>
    Then the answer is
      | status  | 403                                                      |
      | Code    | IncorrectDiskStatus                                      |
      | Message | The current disk status does not support this operation. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:CreateSnapshot
  Scenario Outline: DiskInArrears when the disk is in arrears (<format>)
    Given the disk "d-1" is locked for financial
    When I create a snapshot of disk "d-1" in <format>
    Then the answer is
      | status  | 403                                                         |
      | Code    | DiskInArrears                                               |
      | Message | The specified operation is denied as your disk has expired. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  # Until 2023-08-25 the message names the disk category, without a final period.
  @action:CreateSnapshot @editions:2023-08-25..
  Scenario Outline: DiskCategory.OperationNotSupported for a local disk (<format>)
    Given the disk "d-1" is of category "ephemeral_ssd"
    When I create a snapshot of disk "d-1" in <format>
    Then the answer is
      | status  | 400                                                                  |
      | Code    | DiskCategory.OperationNotSupported                                   |
      | Message | The type of the specified disk does not support creating a snapshot. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:CreateSnapshot @editions:2019-07-12..2023-08-25
  Scenario Outline: DiskCategory.OperationNotSupported for a local disk, in the words of the disk category (<format>)
    Given the disk "d-1" is of category "ephemeral_ssd"
    When I create a snapshot of disk "d-1" in <format>
    Then the answer is
      | status  | 400                                                                           |
      | Code    | DiskCategory.OperationNotSupported                                            |
      | Message | The operation is not supported to the specified disk due to its disk category |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:CreateSnapshot
  Scenario Outline: InstanceLockedForSecurity when the disk's instance is locked for security reasons (<format>)
    Given the instance "i-1" is locked for security
    When I create a snapshot of disk "d-1" in <format>
    Then the answer is
      | status  | 403                                                   |
      | Code    | InstanceLockedForSecurity                             |
      | Message | The disk attached instance is locked due to security. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:CreateSnapshot
  Scenario Outline: IncorrectInstanceStatus (400) when the disk's instance was never started (<format>)
    Given the instance "i-1" is Pending
    When I create a snapshot of disk "d-1" in <format>
    Then the answer is
      | status  | 400                                                                 |
      | Code    | IncorrectInstanceStatus                                             |
      | Message | The current status of the resource does not support this operation. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  # Since 2023-08-25 an instance in transition answers the 403 row; before, the 400 row, the only one.
  @action:CreateSnapshot @editions:2023-08-25..
  Scenario Outline: IncorrectInstanceStatus (403) when the disk's instance is <status> (<format>)
    Given the instance "i-1" is <status>
    When I create a snapshot of disk "d-1" in <format>
    Then the answer is
      | status  | 403                                                                 |
      | Code    | IncorrectInstanceStatus                                             |
      | Message | The current status of the resource does not support this operation. |
    And the answer matches its recorded answer

    Examples:
      | status   | format |
      | Starting | XML    |
      | Starting | JSON   |
      | Stopping | XML    |
      | Stopping | JSON   |

  @action:CreateSnapshot @editions:2019-07-12..2023-08-25
  Scenario Outline: IncorrectInstanceStatus (400) when the disk's instance is <status> (<format>)
    Given the instance "i-1" is <status>
    When I create a snapshot of disk "d-1" in <format>
    Then the answer is
      | status  | 400                                                                 |
      | Code    | IncorrectInstanceStatus                                             |
      | Message | The current status of the resource does not support this operation. |
    And the answer matches its recorded answer

    Examples:
      | status   | format |
      | Starting | XML    |
      | Starting | JSON   |
      | Stopping | XML    |
      | Stopping | JSON   |

  @action:CreateSnapshot
  Scenario Outline: IncorrectDiskStatus.CreatingSnapshot while a snapshot of the disk is progressing (<format>)
    Given a snapshot "s-1" of disk "d-1" that is progressing
    When I create a snapshot of disk "d-1" in <format>
    Then the answer is
      | status  | 403                                         |
      | Code    | IncorrectDiskStatus.CreatingSnapshot        |
      | Message | A previous snapshot creation is in process. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  # The concurrent quota is the world's (transitions.concurrent_snapshots_per_disk, docs/choices.md):
  # at 1, the row above; above 1, this one, since 2025-03-21.
  @action:CreateSnapshot @editions:2025-03-21..
  Scenario Outline: QuotaExceed.ConcurrentSnapshotQuota when as many snapshots of the disk are progressing as the quota allows (<format>)
    Given at most 2 snapshots of a disk are created at once
    And a snapshot "s-1" of disk "d-1" that is progressing
    And a snapshot "s-2" of disk "d-1" that is progressing
    When I create a snapshot of disk "d-1" in <format>
    Then the answer is
      | status  | 403                                                                                                                                                                         |
      | Code    | QuotaExceed.ConcurrentSnapshotQuota                                                                                                                                         |
      | Message | The number of snapshots being created for the disk {any} has exceeded the concurrent quota ({any}). Please wait for the previous snapshots to complete before trying again. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:CreateSnapshot
  Scenario Outline: QuotaExceed.Snapshot when the disk has 256 snapshots (<format>)
    Given the disk "d-1" has 256 snapshots already
    When I create a snapshot of disk "d-1" in <format>
    Then the answer is
      | status  | 403                         |
      | Code    | QuotaExceed.Snapshot        |
      | Message | The snapshot quota exceeds. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:CreateSnapshot
  Scenario Outline: InvalidAccountStatus.NotEnoughBalance when the account does not have enough balance (<format>)
    Given the account does not have enough balance
    When I create a snapshot of disk "d-1" in <format>
    Then the answer is
      | status  | 403                                        |
      | Code    | InvalidAccountStatus.NotEnoughBalance      |
      | Message | Your account does not have enough balance. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:CreateSnapshot
  Scenario Outline: InvalidAccountStatus.SnapshotServiceUnavailable when the account has not opened the snapshot service (<format>)
    Given the account has not opened the snapshot service
    When I create a snapshot of disk "d-1" in <format>
    Then the answer is
      | status  | 403                                             |
      | Code    | InvalidAccountStatus.SnapshotServiceUnavailable |
      | Message | Snapshot service has not been opened yet.       |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:CreateSnapshot
  Scenario Outline: InvalidParameter.KMSKeyId.KMSUnauthorized when the account has not authorised ECS to use KMS (<format>)
    Given a KMS key "key-1"
    And the disk "d-1" is encrypted with KMS key "key-1"
    And the account has not authorised ECS to use KMS
    When I create a snapshot of disk "d-1" in <format>
    Then the answer is
      | status  | 403                                           |
      | Code    | InvalidParameter.KMSKeyId.KMSUnauthorized     |
      | Message | ECS service have no right to access your KMS. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:CreateSnapshot @editions:2023-08-25..
  Scenario Outline: InvalidParameter.KMSKeyId.NotFound when the disk's KMS key does not exist (<format>)
    Given the disk "d-1" is encrypted with KMS key "key-gone"
    When I create a snapshot of disk "d-1" in <format>
    Then the answer is
      | status  | 400                                    |
      | Code    | InvalidParameter.KMSKeyId.NotFound     |
      | Message | The specified KMSKeyId does not exist. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:CreateSnapshot @editions:2023-08-25..
  Scenario Outline: InvalidParameter.KMSKeyId.CMKNotEnabled when the disk's KMS key is disabled (<format>)
    Given a KMS key "key-1"
    And the disk "d-1" is encrypted with KMS key "key-1"
    And the KMS key "key-1" is disabled
    When I create a snapshot of disk "d-1" in <format>
    Then the answer is
      | status  | 403                                     |
      | Code    | InvalidParameter.KMSKeyId.CMKNotEnabled |
      | Message | The CMK needs to be enabled.            |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:CreateSnapshot @editions:2023-08-25..
  Scenario Outline: InvalidParameter.KMSKeyId.CMKUnauthorized when the disk's KMS key lacks ECS's tag (<format>)
    Given a KMS key "key-1"
    And the disk "d-1" is encrypted with KMS key "key-1"
    And the KMS key "key-1" lacks the tag that lets ECS use it
    When I create a snapshot of disk "d-1" in <format>
    Then the answer is
      | status  | 403                                       |
      | Code    | InvalidParameter.KMSKeyId.CMKUnauthorized |
      | Message | ECS tags must be added to the CMK.        |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:CreateSnapshot
  Scenario Outline: InvalidSnapshotName.Malformed for a name that does not begin with a letter (<format>)
    When I create a snapshot of disk "d-1" in <format> with SnapshotName "1-snapshot"
    Then the answer is
      | status  | 400                                           |
      | Code    | InvalidSnapshotName.Malformed                 |
      | Message | The specified SnapshotName is wrongly formed. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:CreateSnapshot
  Scenario Outline: InvalidDescription.Malformed for a description that is a web address (<format>)
    When I create a snapshot of disk "d-1" in <format> with Description "http://example.com"
    Then the answer is
      | status  | 404                                          |
      | Code    | InvalidDescription.Malformed                 |
      | Message | The specified description is wrongly formed. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:CreateSnapshot @editions:2023-08-25..
  Scenario Outline: InvalidRetentionDays.Malformed for a retention of 0 days (<format>)
    When I create a snapshot of disk "d-1" in <format> with RetentionDays "0"
    Then the answer is
      | status  | 400                                       |
      | Code    | InvalidRetentionDays.Malformed            |
      | Message | The specified RetentionDays is not valid. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:CreateSnapshot @editions:2023-08-25..
  Scenario Outline: InvalidSnapshotCategory.Malformed for a category that is neither Standard nor Flash (<format>)
    When I create a snapshot of disk "d-1" in <format> with Category "Archive"
    Then the answer is
      | status  | 403                                  |
      | Code    | InvalidSnapshotCategory.Malformed    |
      | Message | The specified Category is not valid. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:CreateSnapshot @editions:2023-08-25..
  Scenario Outline: InvalidCategoryAndInstantAccess.Malformed for a Category with InstantAccess (<format>)
    When I create a snapshot of disk "d-1" in <format> with Category "Standard" and InstantAccess "true"
    Then the answer is
      | status  | 403                                                             |
      | Code    | InvalidCategoryAndInstantAccess.Malformed                       |
      | Message | The snapshot Category and InstantAccess can't be used together. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:CreateSnapshot @editions:2023-08-25..
  Scenario Outline: InvalidInstantAccessRetentionDays.Malformed for an instant access of 0 days (<format>)
    When I create a snapshot of disk "d-1" in <format> with InstantAccessRetentionDays "0"
    Then the answer is
      | status  | 403                                                    |
      | Code    | InvalidInstantAccessRetentionDays.Malformed            |
      | Message | The specified InstantAccessRetentionDays is not valid. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:CreateSnapshot
  Scenario Outline: InvalidTagKey.Malformed for a tag key that begins with aliyun (<format>)
    When I create a snapshot of disk "d-1" in <format> with Tag.1.Key "aliyun-owner" and Tag.1.Value "x"
    Then the answer is
      | status  | 400                                   |
      | Code    | InvalidTagKey.Malformed               |
      | Message | The specified Tag.n.Key is not valid. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:CreateSnapshot
  Scenario Outline: InvalidTagValue.Malformed for a tag value that begins with acs: (<format>)
    When I create a snapshot of disk "d-1" in <format> with Tag.1.Key "owner" and Tag.1.Value "acs:x"
    Then the answer is
      | status  | 400                                     |
      | Code    | InvalidTagValue.Malformed               |
      | Message | The specified Tag.n.Value is not valid. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:CreateSnapshot
  Scenario Outline: Duplicate.TagKey for a tag key given twice (<format>)
    When I create a snapshot of disk "d-1" in <format> with Tag.1.Key "owner" and Tag.2.Key "owner"
    Then the answer is
      | status  | 400                                  |
      | Code    | Duplicate.TagKey                     |
      | Message | The Tag.N.Key contain duplicate key. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:CreateSnapshot @editions:2025-03-21..
  Scenario Outline: InvalidClientToken.Malformed for a ClientToken over 64 characters (<format>)
    When I create a snapshot of disk "d-1" in <format> with ClientToken "ttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt"
    Then the answer is
      | status  | 403                                                                                                                                   |
      | Code    | InvalidClientToken.Malformed                                                                                                          |
      | Message | The specified clientToken is improperly formatted. It must contain only ASCII characters and must not exceed 64 characters in length. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @action:CreateSnapshot
  Scenario Outline: IdempotentParameterMismatch for a ClientToken used before for another request (<format>)
    Given a snapshot takes 0 ms
    And a snapshot of disk "d-1" was created with ClientToken "token-1"
    When I create a snapshot of disk "d-1" in <format> with ClientToken "token-1" and SnapshotName "another-name"
    Then the answer is
      | status  | 403                                |
      | Code    | IdempotentParameterMismatch        |
      | Message | The specified clientToken is used. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  # No healthy world produces it: the control API schedules it as a fault.
  @action:CreateSnapshot
  Scenario Outline: InternalError, "some unknown error" (<format>)
    Given the next CreateSnapshot fails with InternalError "The request processing has failed due to some unknown error."
    When I create a snapshot of disk "d-1" in <format>
    Then the answer is
      | status  | 500                                                          |
      | Code    | InternalError                                                |
      | Message | The request processing has failed due to some unknown error. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

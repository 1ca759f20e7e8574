@errors @state @action:ResetDisk
Feature: ResetDisk errors: the state of the disk, its instance and the snapshot
  The 403 and 400 rows about resources that exist but cannot be reset now.

  Background:
    Given an instance "i-1" that is Stopped
    And a disk "d-1" that is In_use on instance "i-1"
    And a snapshot "s-1" of disk "d-1" that is accomplished

  Scenario Outline: IncorrectDiskStatus when the disk is in arrears (<format>)
    Given the disk "d-1" is locked for financial
    When I reset disk "d-1" to snapshot "s-1" in <format>
    Then the answer is
      | status  | 403                                                       |
      | Code    | IncorrectDiskStatus                                       |
      | Message | The current disk status does not support this operation. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  Scenario Outline: InstanceExpiredOrInArrears when the subscription has expired (<format>)
    Given the instance "i-1" is a subscription that expired at "2020-01-01T00:00:00Z"
    When I reset disk "d-1" to snapshot "s-1" in <format>
    Then the answer is
      | status  | 403                                                                                                                 |
      | Code    | InstanceExpiredOrInArrears                                                                                          |
      | Message | The specified operation is denied as your prepay instance is expired (prepay mode) or in arrears (afterpay mode). |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  Scenario Outline: InstanceExpiredOrInArrears when a pay-as-you-go instance is in arrears (<format>)
    Given the instance "i-1" is locked for financial
    When I reset disk "d-1" to snapshot "s-1" in <format>
    Then the answer is
      | status  | 403                                                                                                                 |
      | Code    | InstanceExpiredOrInArrears                                                                                          |
      | Message | The specified operation is denied as your prepay instance is expired (prepay mode) or in arrears (afterpay mode). |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  Scenario Outline: InvalidSnapshotId.NotReady while the snapshot is <status> (<format>)
    Given a snapshot "s-2" of disk "d-1" that is <status>
    When I reset disk "d-1" to snapshot "s-2" in <format>
    Then the answer is
      | status  | 403                                            |
      | Code    | InvalidSnapshotId.NotReady                     |
      | Message | The specified snapshot has not completed yet. |
    And the answer matches its recorded answer

    Examples:
      | status      | format |
      | progressing | XML    |
      | progressing | JSON   |
      | failed      | XML    |
      | failed      | JSON   |

  Scenario Outline: OperationDenied for a snapshot that does not support ResetDisk (<format>)
    Given the snapshot "s-1" does not support ResetDisk
    When I reset disk "d-1" to snapshot "s-1" in <format>
    Then the answer is
      | status  | 403                                                 |
      | Code    | OperationDenied                                     |
      | Message | The specified snapshot dees not support ResetDisk. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  Scenario Outline: InvalidSnapshot.TooOld for a snapshot created before 2013-07-15 (<format>)
    Given the snapshot "s-1" was created at "2013-07-13T00:00:00Z"
    When I reset disk "d-1" to snapshot "s-1" in <format>
    Then the answer is
      | status  | 403                                                                                                         |
      | Code    | InvalidSnapshot.TooOld                                                                                      |
      | Message | The snapshotId is created before 2013-07-15, it cannot be restored since the first time the disk detached. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  Scenario Outline: A snapshot created after 2013-07-15 is not too old (<format>)
    Given the snapshot "s-1" was created at "2013-07-16T00:00:00Z"
    When I reset disk "d-1" to snapshot "s-1" in <format>
    Then the reset succeeds

    Examples:
      | format |
      | XML    |
      | JSON   |

  # The contract does not say in which time zone the cut falls; the mock reads it in UTC
  # (docs/choices.md). An endpoint that reads it in China time differs here only.
  @chosen
  Scenario Outline: The 2013-07-15 cut is read in UTC: a snapshot one second before it is too old (<format>)
    Given the snapshot "s-1" was created at "2013-07-14T23:59:59Z"
    When I reset disk "d-1" to snapshot "s-1" in <format>
    Then the answer is
      | status  | 403                                                                                                         |
      | Code    | InvalidSnapshot.TooOld                                                                                      |
      | Message | The snapshotId is created before 2013-07-15, it cannot be restored since the first time the disk detached. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @chosen
  Scenario Outline: The 2013-07-15 cut is read in UTC: a snapshot created at it is not too old (<format>)
    Given the snapshot "s-1" was created at "2013-07-15T00:00:00Z"
    When I reset disk "d-1" to snapshot "s-1" in <format>
    Then the reset succeeds

    Examples:
      | format |
      | XML    |
      | JSON   |

  @editions:2019-07-12..2023-08-25
  Scenario Outline: DiskCategory.OperationNotSupported for a local disk (<format>)
    Given the disk "d-1" is of category "ephemeral_ssd"
    When I reset disk "d-1" to snapshot "s-1" in <format>
    Then the answer is
      | status  | 400                                                                           |
      | Code    | DiskCategory.OperationNotSupported                                            |
      | Message | The operation is not supported to the specified disk due to its disk category |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  # The current edition ends the message with a period.
  @editions:2023-08-25..
  Scenario Outline: DiskCategory.OperationNotSupported for a local disk, with its final period (<format>)
    Given the disk "d-1" is of category "ephemeral_ssd"
    When I reset disk "d-1" to snapshot "s-1" in <format>
    Then the answer is
      | status  | 400                                                                            |
      | Code    | DiskCategory.OperationNotSupported                                             |
      | Message | The operation is not supported to the specified disk due to its disk category. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  # Since 2024-11-23 a second reset during a reset task has its own row.
  @editions:2019-07-12..2024-11-23
  Scenario Outline: Operation.Conflict while a reset of the disk is in progress (<format>)
    Given a reset takes 60 seconds
    And a reset of disk "d-1" to snapshot "s-1" has started
    When I reset disk "d-1" to snapshot "s-1" in <format>
    Then the answer is
      | status  | 403                                       |
      | Code    | Operation.Conflict                        |
      | Message | The operation may conflicts with others. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  @editions:2024-11-23..
  Scenario Outline: InvalidOperation.DiskResetInProgress while a reset of the disk is in progress (<format>)
    Given a reset takes 60 seconds
    And a reset of disk "d-1" to snapshot "s-1" has started
    When I reset disk "d-1" to snapshot "s-1" in <format>
    Then the answer is
      | status  | 403                                                                                                    |
      | Code    | InvalidOperation.DiskResetInProgress                                                                   |
      | Message | The operation cannot be performed because the disk has an ongoing reset task, please try again later. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  # That a reset task holds the instance, so another disk of it conflicts, is the mock's choice
  # (docs/choices.md): the one trigger of Operation.Conflict in every edition.
  @chosen
  Scenario Outline: Operation.Conflict while another disk of the instance is being reset (<format>)
    Given a disk "d-2" that is In_use on instance "i-1"
    And a snapshot "s-2" of disk "d-2" that is accomplished
    And a reset takes 60 seconds
    And a reset of disk "d-2" to snapshot "s-2" has started
    When I reset disk "d-1" to snapshot "s-1" in <format>
    Then the answer is
      | status  | 403                                       |
      | Code    | Operation.Conflict                        |
      | Message | The operation may conflicts with others. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  # Which of several concurrent resets wins, and that the others conflict, is the mock's choice.
  @chosen @editions:2019-07-12..2024-11-23
  Scenario Outline: Of several concurrent resets of one disk exactly one wins (<format>)
    Given a reset takes 60 seconds
    When 8 resets of disk "d-1" to snapshot "s-1" run at once in <format>
    Then exactly one reset succeeds and the other 7 are "Operation.Conflict"

    Examples:
      | format |
      | XML    |
      | JSON   |

  @chosen @editions:2024-11-23..
  Scenario Outline: Of several concurrent resets of one disk exactly one wins, the others told a reset is in progress (<format>)
    Given a reset takes 60 seconds
    When 8 resets of disk "d-1" to snapshot "s-1" run at once in <format>
    Then exactly one reset succeeds and the other 7 are "InvalidOperation.DiskResetInProgress"

    Examples:
      | format |
      | XML    |
      | JSON   |

  # A snapshot of the disk still being made (the reference gives no other trigger).
  @editions:2023-08-25..
  Scenario Outline: IncorrectDiskStatus.HasUnfinishedSnapshot while another snapshot of the disk is progressing (<format>)
    Given a snapshot "s-2" of disk "d-1" that is progressing
    When I reset disk "d-1" to snapshot "s-1" in <format>
    Then the answer is
      | status  | 403                                        |
      | Code    | IncorrectDiskStatus.HasUnfinishedSnapshot  |
      | Message | The current disk has unfinished snapshot. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

@preconditions @action:ResetDisk
Feature: ResetDisk preconditions
  The reference lists four preconditions. Each one holds (the reset succeeds and the disk records
  the snapshot it was rolled back to) and is broken (its documented error).

  Background:
    Given an instance "i-1" that is Stopped
    And a disk "d-1" that is In_use on instance "i-1"
    And a snapshot "s-1" of disk "d-1" that is accomplished

  Scenario Outline: 1 held: the disk is In_use, the reset succeeds (<format>)
    When I reset disk "d-1" to snapshot "s-1" in <format>
    Then the reset succeeds
    And the answer matches its recorded answer
    And disk "d-1" was rolled back to snapshot "s-1"

    Examples:
      | format |
      | XML    |
      | JSON   |

  # Until 2022 the disk had to be in use; since, an unattached (Available) disk may be reset too.
  @editions:2019-07-12..2022-04-13
  Scenario Outline: 1 broken: the disk is Available, IncorrectDiskStatus (<format>)
    Given the disk "d-1" is Available
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

  @editions:2022-04-13..
  Scenario Outline: 1 held: the disk is Available (unattached), the reset succeeds (<format>)
    Given the disk "d-1" is Available
    When I reset disk "d-1" to snapshot "s-1" in <format>
    Then the reset succeeds
    And the answer matches its recorded answer
    And disk "d-1" was rolled back to snapshot "s-1"

    Examples:
      | format |
      | XML    |
      | JSON   |

  Scenario Outline: 1 broken: the disk is <status>, IncorrectDiskStatus (<format>)
    Given the disk "d-1" is <status>
    When I reset disk "d-1" to snapshot "s-1" in <format>
    Then the answer is
      | status  | 403                                                       |
      | Code    | IncorrectDiskStatus                                       |
      | Message | The current disk status does not support this operation. |
    And the answer matches its recorded answer

    Examples:
      | status    | format |
      | Attaching | XML    |
      | Attaching | JSON   |
      | Detaching | XML    |
      | Detaching | JSON   |
      | Creating  | XML    |
      | Creating  | JSON   |
      | ReIniting | XML    |
      | ReIniting | JSON   |

  Scenario Outline: 2 held: the instance is Stopped, the reset succeeds (<format>)
    When I reset disk "d-1" to snapshot "s-1" in <format>
    Then the reset succeeds
    And the answer matches its recorded answer
    And disk "d-1" was rolled back to snapshot "s-1"

    Examples:
      | format |
      | XML    |
      | JSON   |

  Scenario Outline: 2 broken: the instance is <status>, IncorrectInstanceStatus (<format>)
    Given the instance "i-1" is <status>
    When I reset disk "d-1" to snapshot "s-1" in <format>
    Then the answer is
      | status  | 403                                                                  |
      | Code    | IncorrectInstanceStatus                                              |
      | Message | The current status of the resource does not support this operation. |
    And the answer matches its recorded answer

    Examples:
      | status   | format |
      | Pending  | XML    |
      | Pending  | JSON   |
      | Running  | XML    |
      | Running  | JSON   |
      | Starting | XML    |
      | Starting | JSON   |
      | Stopping | XML    |
      | Stopping | JSON   |

  Scenario Outline: 3 held: the snapshot is one of the disk's own, among another disk's (<format>)
    Given a disk "d-2" that is Available
    And a snapshot "s-2" of disk "d-2" that is accomplished
    When I reset disk "d-1" to snapshot "s-1" in <format>
    Then the reset succeeds
    And the answer matches its recorded answer
    And disk "d-1" was rolled back to snapshot "s-1"

    Examples:
      | format |
      | XML    |
      | JSON   |

  Scenario Outline: 3 broken: the snapshot is another disk's, InvalidParameter.Mismatch (<format>)
    Given a disk "d-2" that is Available
    And a snapshot "s-2" of disk "d-2" that is accomplished
    When I reset disk "d-1" to snapshot "s-2" in <format>
    Then the answer is
      | status  | 403                                                             |
      | Code    | InvalidParameter.Mismatch                                       |
      | Message | The specified snapshot is not created from the specified disk. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  Scenario Outline: 4 held: the instance carries no security lock (<format>)
    When I reset disk "d-1" to snapshot "s-1" in <format>
    Then the reset succeeds
    And the answer matches its recorded answer
    And disk "d-1" was rolled back to snapshot "s-1"

    Examples:
      | format |
      | XML    |
      | JSON   |

  Scenario Outline: 4 broken: the instance is locked for security, InstanceLockedForSecurity (<format>)
    Given the instance "i-1" is locked for security
    When I reset disk "d-1" to snapshot "s-1" in <format>
    Then the answer is
      | status  | 403                                     |
      | Code    | InstanceLockedForSecurity               |
      | Message | The instance is locked due to security. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

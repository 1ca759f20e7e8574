@errors @not-found @action:ResetDisk
Feature: ResetDisk errors: resources that do not exist
  The 404 rows of the error table. InvalidDiskId.NotFound needs no world: any account answers it
  for a disk id that never existed. The contract gives InvalidDiskId.NotFound and Disk.NotFound
  one message and no trigger each: either is documented for a disk that does not exist, and the
  mock's split (never existed, released) is its choice.

  Scenario Outline: InvalidDiskId.NotFound for a disk id that never existed (<format>)
    When I reset disk "d-never-existed" to snapshot "s-never-existed" in <format>
    Then the answer is one of
      | status | Code                       | Message                                  |
      | 404    | InvalidDiskId.NotFound     | The specified disk does not exist.       |
      | 404    | Disk.NotFound              | The specified disk does not exist.       |
      | 404    | InvalidSnapshotId.NotFound | The specified SnapshotId does not exist. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  Scenario Outline: Disk.NotFound for a disk that was released (<format>)
    Given an instance "i-1" that is Stopped
    And a disk "d-1" that is In_use on instance "i-1"
    And a snapshot "s-1" of disk "d-1" that is accomplished
    And the disk "d-1" was released
    When I reset disk "d-1" to snapshot "s-1" in <format>
    Then the answer is one of
      | status | Code                   | Message                            |
      | 404    | Disk.NotFound          | The specified disk does not exist. |
      | 404    | InvalidDiskId.NotFound | The specified disk does not exist. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  Scenario Outline: InvalidSnapshotId.NotFound for a snapshot that does not exist (<format>)
    Given an instance "i-1" that is Stopped
    And a disk "d-1" that is In_use on instance "i-1"
    When I reset disk "d-1" to snapshot "s-never-existed" in <format>
    Then the answer is
      | status  | 404                                      |
      | Code    | InvalidSnapshotId.NotFound               |
      | Message | The specified SnapshotId does not exist. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |

  Scenario Outline: InvalidInstanceId.NotFound when the disk's instance was released (<format>)
    Given an instance "i-1" that is Stopped
    And a disk "d-1" that is In_use on instance "i-1"
    And a snapshot "s-1" of disk "d-1" that is accomplished
    And the instance "i-1" was released
    When I reset disk "d-1" to snapshot "s-1" in <format>
    Then the answer is
      | status  | 404                                      |
      | Code    | InvalidInstanceId.NotFound               |
      | Message | The specified InstanceId does not exist. |
    And the answer matches its recorded answer

    Examples:
      | format |
      | XML    |
      | JSON   |
